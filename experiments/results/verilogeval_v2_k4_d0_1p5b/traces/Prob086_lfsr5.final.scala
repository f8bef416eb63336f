import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val q     = Output(UInt(5.W))
  })
  val r = RegInit(0.U(5.W))
  when(io.reset) {
    r := 0.U(5.W)
  }.elsewhen(io.clk) {
    r := Cat(r(4, 0), io.q)
  }
  io.q := r
}
