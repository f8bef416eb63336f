import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk  = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(32.W))
    val q     = Output(UInt(32.W))
  })
  val r = RegInit(0.U(32.W))
  when(io.reset) {
    r := 0.U(32.W)
  }.elsewhen(io.clk) {
    r := Cat(r(31, 0), io.in)
  }
  io.q := r
}
