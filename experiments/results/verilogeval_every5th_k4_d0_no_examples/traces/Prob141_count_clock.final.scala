import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk    = Input(Clock())
    val reset  = Input(Bool())
    val ena    = Input(Bool())
    val pm     = Output(Bool())
    val hh     = Output(UInt(8.W))
    val mm     = Output(UInt(8.W))
    val ss     = Output(UInt(8.W))
  })

  val hour = RegInit(0.U(4.W))
  val minute = RegInit(0.U(6.W))
  val second = RegInit(0.U(6.W))
  val am = RegInit(true.B)

  when(io.clk && io.ena) {
    hour := hour + 1.U
    if (hour == 12.U) {
      hour := 0.U
      minute := 0.U
      second := 0.U
      am := !am
    }
    minute := minute + 1.U
    if (minute == 60.U) {
      minute := 0.U
      second := 0.U
    }
    second := second + 1.U
    if (second == 60.U) {
      second := 0.U
    }
  }

  io.pm := am
  io.hh := hour.asUInt
  io.mm := minute.asUInt
  io.ss := second.asUInt
}
