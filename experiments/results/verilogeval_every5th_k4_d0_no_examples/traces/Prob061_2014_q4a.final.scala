import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val w  = Input(UInt(8.W))
    val R  = Input(Bool())
    val E  = Input(Bool())
    val L  = Input(Bool())
    val Q  = Output(UInt(8.W))
  })
  val prev  = RegInit(0.U(8.W))
  val count = RegInit(0.U(8.W))
  when(io.E && !prev) { count := count + 1.U }
  prev := io.w
  io.Q := count
}
