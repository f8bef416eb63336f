import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val load  = Input(Bool())
    val ena   = Input(Bool())
    val amount = Input(UInt(2.W))
    val data  = Input(UInt(64.W))
    val q     = Output(UInt(64.W))
  })
  val r = RegInit(0.U(64.W))
  when(io.load) {
    r := io.data
  }.elsewhen(io.ena) {
    r := Cat(r(63, 0), io.data(63, 0))
  }
  io.q := r
}
