import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk    = Input(Clock())
    val reset  = Input(Bool())
    val in     = Input(UInt(8.W))
    val out_byte = Output(UInt(8.W))
    val done = Output(Bool())
  })
  val state = RegInit(0.U(2.W))
  val count = RegInit(0.U(8.W))
  val start = RegInit(false.B)
  val stop = RegInit(false.B)
  val byte = RegInit(0.U(8.W))

  when(reset.asBool) {
    state := 0.U
    count := 0.U
    start := false.B
    stop := false.B
    byte := 0.U
  } .otherwise {
    when(state === 0.U) {
      when(io.in === 0.U) {
        start := true.B
        count := 0.U
      } .otherwise {
        state := 1.U
        count := 0.U
      }
    } .elsewhen(state === 1.U) {
      when(count === 7.U) {
        stop := true.B
        state := 2.U
      } .otherwise {
        count := count + 1.U
      }
    } .elsewhen(state === 2.U) {
      when(stop === true.B) {
        state := 0.U
        byte := byte + 1.U
      }
    }
  }

  when(stop.asBool) {
    io.done := true.B
  } .otherwise {
    io.done := false.B
  }

  io.out_byte := byte
}
