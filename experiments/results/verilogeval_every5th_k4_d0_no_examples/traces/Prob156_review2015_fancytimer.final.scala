import chisel3._
import chisel3.util._
import chisel3.stage.{ChiselStage, VerilogStage}
import chisel3.util.experimental.RequireAsyncReset

class TopModule extends Module with RequireAsyncReset {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val data = Input(UInt(4.W))
    val count = Output(UInt(4.W))
    val counting = Output(Bool())
    val done = Output(Bool())
    val ack = Input(Bool())
  })

  val startPattern = VecInit(1.U(4.W), 1.U(4.W), 0.U(4.W), 1.U(4.W))
  val delay = VecInit(0.U(4.W), 1.U(4.W), 2.U(4.W), 3.U(4.W))
  val countReg = RegInit(0.U(4.W))
  val delayReg = RegInit(0.U(4.W))
  val state = RegInit(0.U(2.W))

  when(reset.asBool) {
    countReg := 0.U(4.W)
    delayReg := 0.U(4.W)
    state := 0.U(2.W)
  }

  when(io.clk) {
    when(state === 0.U) {
      when(io.data === startPattern(0)) {
        state := 1.U
        delayReg := delay(0)
      }
    } .elsewhen(state === 1.U) {
      when(io.data === startPattern(1)) {
        state := 2.U
        delayReg := delay(1)
      } .elsewhen(io.data === startPattern(2)) {
        state := 3.U
        delayReg := delay(2)
      } .elsewhen(io.data === startPattern(3)) {
        state := 4.U
        delayReg := delay(3)
      }
    } .elsewhen(state === 2.U) {
      when(io.data === startPattern(0)) {
        state := 1.U
        delayReg := delay(0)
      }
    } .elsewhen(state === 3.U) {
      when(io.data === startPattern(1)) {
        state := 2.U
        delayReg := delay(1)
      } .elsewhen(io.data === startPattern(2)) {
        state := 3.U
        delayReg := delay(2)
      } .elsewhen(io.data === startPattern(3)) {
        state := 4.U
        delayReg := delay(3)
      }
    } .elsewhen(state === 4.U) {
      when(io.data === startPattern(0)) {
        state := 1.U
        delayReg := delay(0)
      }
    }
  }

  when(state === 0.U || state === 1.U || state === 2.U || state === 3.U || state === 4.U) {
    countReg := RegNext(countReg + 1.U)
  }

  when(state === 4.U) {
    countReg := 0.U(4.W)
    delayReg := 0.U(4.W)
    state := 0.U(2.W)
  }

  io.count := countReg
  io.counting := state === 1.U || state === 2.U || state === 3.U || state === 4.U
  io.done := state === 4.U
  io.ack := io.ack && (state === 4.U || state === 0.U || state === 1.U || state === 2.U || state === 3.U)
}
