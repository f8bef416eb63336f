import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val load  = Input(Bool())
    val ena  = Input(UInt(2.W))
    val data = Input(UInt(100.W))
    val q    = Output(UInt(100.W))
  })
  val rotator = RegInit(0.U(100.W))
  when(io.load) {
    rotator := io.data
  }.elsewhen(io.ena(1)) {
    rotator := Cat(rotator(99, 0), io.data(99))
  }.elsewhen(io.ena(0)) {
    rotator := Cat(rotator(98, 0), io.data(98))
  }
  io.q := rotator
}
