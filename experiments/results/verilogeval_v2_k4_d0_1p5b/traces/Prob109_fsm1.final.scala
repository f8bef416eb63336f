import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(1.W))
    val out   = Output(UInt(1.W))
  })
  val count = RegInit(0.U(1.W))
  when(io.reset) { count := 0.U }
  when(io.in === 1.U) { count := Mux(count === 1.U, 0.U, count + 1.U) }
  io.out := count
}
