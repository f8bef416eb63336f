import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val w     = Input(Bool())
    val R     = Input(Bool())
    val E     = Input(Bool())
    val L     = Input(Bool())
    val Q     = Output(UInt(1.W))
  })
  val r = RegInit(0.U(1.W))
  when(io.E) {
    r := io.w
  }.elsewhen(io.L) {
    r := Cat(r(0), io.w)
  }
  io.Q := r
}
