import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(3.W))
    val q = Output(UInt(16.W))
  })
  val q = RegInit(0.U(16.W))
  when(io.a === 0.U) { q := q }
  .otherwise { q := q + io.a }
  io.q := q
}
